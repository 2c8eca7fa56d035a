import {
  judgeNewPassword as judgeWithList,
  type PasswordVerdict,
} from '../domain/password-rules.ts'
import { isBreachedPassword } from './breached-passwords.ts'

/**
 * Judges a new password against the rules of src/domain/password-rules.ts with the list of
 * breached passwords loaded (once per process, on first use). `context` holds words that
 * make it guessable for this person: the e-mail's local part, their name.
 */
export function judgeNewPassword(
  password: string,
  context: readonly string[] = [],
): PasswordVerdict {
  return judgeWithList(password, context, isBreachedPassword)
}
