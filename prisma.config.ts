import { defineConfig } from 'prisma/config';

// The Prisma CLI reads DATABASE_URL from here (Prisma 7 keeps it out of the schema). The
// application itself never reads this file: src/database picks the driver adapter.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/omninanny' },
});
