import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';

/** Every migration, in order. A new migration is a new file here plus one line in this list. */
export const MIGRATIONS = [InitialSchema1764000000000];
