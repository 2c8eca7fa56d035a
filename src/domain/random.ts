/**
 * A small seeded pseudo-random generator (mulberry32). Deterministic, so the same seed gives
 * the same synthetic data; for synthetic data only, never for keys or tokens.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number
  /** A whole number from min to max, both included. */
  integer(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  chance(probability: number): boolean
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const integer = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    integer,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list')
      return items[integer(0, items.length - 1)] as T
    },
    chance: (probability) => next() < probability,
  }
}
