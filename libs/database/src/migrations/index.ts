import { Foundation1795380246185 } from './1795380246185-foundation';

/** The one migration history, oldest first. Append; never edit a migration that has landed. */
export const MIGRATIONS = [Foundation1795380246185];
