// `npm start`: the Keyport server in production mode (lib/server/launch.ts, lib/server/keyport-server.ts).
//   npm start [-- --port 3000 --hostname 0.0.0.0]
import { main } from "@/lib/server/launch";

main("start", process.argv.slice(2));
