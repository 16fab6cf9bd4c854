import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { envTemplate } from '../model/variables';

/** `npm run env-template`: writes .env.template from the variable registry; a test compares them. */
writeFileSync(join(resolve(__dirname, '..'), '.env.template'), envTemplate());
