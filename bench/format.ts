/** How every benchmark prints a verdict and a size, so the tables read alike. */

/** A target's verdict as `npm run bench` prints it. */
export const verdict = (ok: boolean): string => (ok ? 'pass' : 'MISS');

export const MB = 1048576;

/** Bytes as whole MB. */
export const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;

/** A run's length: seconds under a minute, minutes from there. */
export const duration = (ms: number): string => (ms < 60_000 ? `${ms / 1000} s` : `${ms / 60_000} min`);
