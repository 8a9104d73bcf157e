/**
 * What the config, the global setup and the specs share. Loaded by the runner and by every
 * worker (before and after the global setup), so nothing here may depend on it having run.
 */

/** The demo users' password: fixed, so that specs can sign in (the API seeds with it). */
export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? 'Passerelle-e2e-demo-2026';
process.env.DEMO_PASSWORD = DEMO_PASSWORD;

/** Set by the global setup to the API it started; set it yourself to test a running API instead. */
export const BASE_URL_VAR = 'PASSERELLE_E2E_URL';
