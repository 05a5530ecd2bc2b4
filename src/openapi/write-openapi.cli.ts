import { Logger } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument } from './generate';

/** The committed spec, at the package root. */
export const OPENAPI_PATH = join(__dirname, '..', '..', 'openapi.json');

generateOpenApiDocument()
  .then((document) => {
    writeFileSync(OPENAPI_PATH, `${JSON.stringify(document, null, 2)}\n`);
    new Logger('openapi').log(`wrote ${OPENAPI_PATH}`);
  })
  .catch((error: Error) => {
    new Logger('openapi').error(error.message, error.stack);
    process.exit(1);
  });
