/**
 * Handlers use zod/mini (tree-shakable: tens of KB in a bundle instead of ~440 KB for the classic
 * API). Importing this module loads only the English messages, so a 400 says why a field is wrong.
 * Import the namespace from 'zod/mini' in each module (re-exporting it would defeat tree-shaking).
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());
