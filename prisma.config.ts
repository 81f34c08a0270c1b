import { defineConfig } from "prisma/config";

// env("DATABASE_URL") throws when unset, even for `prisma generate`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
