import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The committed AsyncAPI document of the game-client events, kept next to the package root. */
export const ASYNCAPI_PATH = join(__dirname, '..', '..', 'docs', 'asyncapi.yaml');

/** Serves the Socket.IO event reference next to the OpenAPI document. */
@ApiExcludeController()
@Controller('docs')
export class AsyncApiController {
  @Get('asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  async asyncApi(): Promise<string> {
    try {
      return await readFile(ASYNCAPI_PATH, 'utf8');
    } catch {
      throw new NotFoundException(`the AsyncAPI document is missing from ${ASYNCAPI_PATH}`);
    }
  }
}
