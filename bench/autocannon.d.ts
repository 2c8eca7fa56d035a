// The part of autocannon's programmatic API that bench/load.ts uses (it ships no types).
declare module 'autocannon' {
  interface Request {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
    setupRequest?: (request: Request) => Request
  }
  interface Client {
    setRequests(requests: Request[]): void
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    timeout?: number
    setupClient?: (client: Client) => void
  }
  interface Histogram {
    average: number
    total: number
    p50: number
    p99: number
  }
  interface Result {
    requests: Histogram
    latency: Histogram
    errors: number
    timeouts: number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
