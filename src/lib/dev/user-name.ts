/**
 * The name a person signs in with locally ("sign in with any name": the storefront, the barista
 * page, POST /_dev/token and `cafe-ops dev token --user`). Checked once, here, with zod:
 *
 * - 1 to 64 characters (Unicode code points, after trimming);
 * - letters of any script and their accents (José García, 李, Ørsted), digits, spaces, apostrophes
 *   (O'Brien, O’Brien), hyphens (Jean-Luc), and . _ @ + (so an e-mail address works too);
 * - it starts with a letter or a digit; runs of spaces count as one.
 *
 * The name is normalised (NFC, single spaces), so "José" typed either way is one user (one `sub`).
 */
import { z } from 'zod';

export const USER_NAME_MAX_LENGTH = 64;

const ALLOWED = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} '’\-._@+]*$/u;

export const userNameSchema = z
  .string({ error: 'a user name is required' })
  .transform((raw) => raw.normalize('NFC').trim().replace(/\s+/gu, ' '))
  .pipe(
    z
      .string()
      .refine((name) => name.length > 0, 'a user name is required')
      .refine((name) => [...name].length <= USER_NAME_MAX_LENGTH, `must be at most ${USER_NAME_MAX_LENGTH} characters`)
      .refine(
        (name) => ALLOWED.test(name),
        "may hold letters (any language), digits, spaces, apostrophes, hyphens and . _ @ +, starting with a letter or a digit",
      ),
  );

/** The normalised name, or an Error saying what is wrong with it (a user mistake: no stack trace shown). */
export function parseUserName(raw: unknown): string {
  const result = userNameSchema.safeParse(raw);
  if (result.success) return result.data;
  const shown = typeof raw === 'string' && raw.trim() ? `user name "${raw.trim().slice(0, 80)}"` : 'user name';
  throw new Error(`${shown}: ${result.error.issues[0]!.message}`);
}
