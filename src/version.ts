import { version } from '../package.json';

/** The running build's version, from package.json (tsc copies package.json next to the build). */
export const APP_VERSION: string = version;
