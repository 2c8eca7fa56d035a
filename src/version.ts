import packageJson from '../package.json' with { type: 'json' }

/** Haven's version, from package.json. */
export const HAVEN_VERSION: string = packageJson.version

/**
 * The Node.js major version Haven is built for: that of the `node` package it depends on
 * (the runtime it is tested with; decision 0001). `haven doctor` checks the running one.
 */
export const REQUIRED_NODE_MAJOR: number = Number(
  /^\D*(\d+)/.exec(packageJson.dependencies.node)?.[1] ?? '24',
)
