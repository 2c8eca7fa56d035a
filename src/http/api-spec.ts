import { z } from 'zod'

/**
 * What each API route is, for the OpenAPI document at /api/openapi.json and for the tests
 * that walk every route (the authorization matrix, the marker test). Each route module
 * exports its specs beside its handlers; a test fails when a route has no spec.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** Hono's form: /api/families/:familyId */
  path: string
  summary: string
  tag: string
  /** public: no session; signed_in: a full session (and the CSRF token for changes). */
  access: 'public' | 'signed_in' | 'session_any_state'
  body?: z.ZodType
  query?: z.ZodType
  response?: z.ZodType
  /** The statuses a caller should expect besides the errors every route can give. */
  success: 200 | 201 | 202 | 204
}

/** A route for a signed-in person (a full session, and the CSRF token for a change). */
export function signedInRoute(
  method: RouteSpec['method'],
  path: string,
  summary: string,
  tag: string,
  success: RouteSpec['success'],
  extra: Pick<RouteSpec, 'body' | 'response' | 'query'> = {},
): RouteSpec {
  return { method, path, summary, tag, access: 'signed_in', success, ...extra }
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    requestId: z.string().optional(),
    clauses: z.array(z.string()).optional(),
  }),
})

/** An OpenAPI 3.1 document for the routes, their bodies and responses, from the zod schemas. */
export function openApiDocument(specs: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const spec of specs) {
    const path = spec.path.replace(/:(\w+)/g, '{$1}')
    const parameters = [...spec.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    const query = spec.query ? queryParameters(spec.query) : []
    paths[path] ??= {}
    paths[path][spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.access === 'public' ? { security: [] } : {}),
      ...(parameters.length + query.length > 0 ? { parameters: [...parameters, ...query] } : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      responses: {
        [String(spec.success)]: {
          description: 'done',
          ...(spec.response
            ? { content: { 'application/json': { schema: jsonSchema(spec.response, 'output') } } }
            : {}),
        },
        default: {
          description: 'an error from the closed set of codes',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Haven',
      // The document's own version, not Haven's release: a public document tells a stranger
      // nothing about which release (and which known faults) an installation runs.
      version: '1',
      description:
        "Records for a child contact centre, with the centre's confidentiality policy enforced on every path. Every response shows only what the policy's decision allows.",
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'haven_session' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
    security: [{ session: [], csrf: [] }],
    paths,
  }
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json: Record<string, unknown> = z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  delete json['$schema']
  return json
}

function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, unknown>
    required?: string[]
  }
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }))
}
