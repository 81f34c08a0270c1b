// `npm run dev` (hot reload) and `npm run demo` (the production build with demo data): the same
// start-up as `npm start` (lib/server/launch.ts), on the embedded database unless DATABASE_URL is set.
import { main } from "@/lib/server/launch";

main(process.argv[2] === "demo" ? "demo" : "dev", process.argv.slice(3));
