import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { ScoreCoverage1764000002000 } from './1764000002000-ScoreCoverage';

/** Every migration, in order. A new migration is a new file here plus one line in this list. */
export const MIGRATIONS = [InitialSchema1764000000000, ScoreCoverage1764000002000];
