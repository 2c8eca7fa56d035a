import { HavenError } from './errors.ts'

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/

/** A centre's short name in addresses: lower-case letters, digits and inner hyphens, up to 40. */
/** Whether a value has the shape of a slug (lower-case letters, digits, hyphens; 1 to 40). */
export function isCentreSlug(value: string): boolean {
  return SLUG.test(value)
}

export function parseCentreSlug(value: string): string {
  if (!SLUG.test(value)) {
    throw new HavenError(
      'invalid_input',
      'slug must be 1 to 40 lower-case letters, digits or inner hyphens',
      'slug',
    )
  }
  return value
}

/** A centre's name as people see it: 1 to 120 characters after trimming, no control characters. */
export function parseCentreName(value: string): string {
  const name = value.trim()
  if (name.length === 0 || name.length > 120) {
    throw new HavenError('invalid_input', 'name must be 1 to 120 characters', 'name')
  }
  if (/\p{Cc}/u.test(name))
    throw new HavenError('invalid_input', 'name must not contain control characters', 'name')
  return name
}

/** A slug derived from a name, for when none is given. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '')
  return slug === '' ? 'centre' : slug
}
