/** The object the bundle exposes; the generated top-level stubs call `SnaqAddon.<name>(…)`. */
export const BUNDLE_GLOBAL = 'SnaqAddon';
