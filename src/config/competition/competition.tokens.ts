export const COMPETITION = Symbol('COMPETITION');
