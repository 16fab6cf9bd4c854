/**
 * Imported first by every entry point. With source maps on, Node parses the inline map of every
 * module it loads (cdktf and the providers ship large ones): a tenth of a synth. tsx, which ran the
 * entry points before core/register.js, switched them on for the whole process, and so can a
 * NODE_OPTIONS a user sets for another tool. Entry points show no stack traces for user mistakes,
 * so maps stay off unless asked for here (`node --enable-source-maps`, or in NODE_OPTIONS).
 */
const wanted = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
if (!wanted) process.setSourceMapsEnabled(false);
export {};
