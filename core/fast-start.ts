/**
 * Imported first by every entry point. tsx turns source maps on for the whole process, so Node
 * parses the inline map of every module it loads (cdktf and the providers ship large ones): a
 * tenth of a synth. Entry points show no stack traces for user mistakes, so maps are off unless
 * the user asks for them (`node --enable-source-maps`, or NODE_OPTIONS).
 */
const wanted = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
if (!wanted) process.setSourceMapsEnabled(false);
export {};
