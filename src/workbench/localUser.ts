/**
 * Who uses the local workbench. `npm start` builds the add-on with this address among its admins
 * (esbuild.config.ts --workbench), so the workbench's Settings tab can be saved.
 */
export const WORKBENCH_USER = 'you@workbench.local';
