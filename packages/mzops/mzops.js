#!/usr/bin/env node
// `npx mzops`: the CLI in this process, its TypeScript loaded through core/register.js.
'use strict';
require('../../core/register.js');
require('../../cli/main.ts').main(process.argv);
