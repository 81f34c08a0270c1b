import { getDb, disconnectDb } from "@/lib/db/client";
import util from "node:util";
const db = getDb();
try {
  await db.profile.create({ data: { code: "x" + Date.now(), name: "n", definition: { x: "a\ud800b" } } });
} catch (e) {
  console.log(util.inspect(e, { depth: 6 }));
}
try {
  await db.profile.create({ data: { code: "y" + Date.now(), name: "n", definition: { x: 1 }, } });
  await db.$executeRaw`select ${"{\"a\": 1"}::jsonb`;
} catch (e) {
  console.log(util.inspect((e as any).meta, { depth: 6 }));
}
await disconnectDb();
