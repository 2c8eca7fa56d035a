import packageJson from '../package.json' with { type: 'json' }

/** Haven's version, from package.json. */
export const HAVEN_VERSION: string = packageJson.version
