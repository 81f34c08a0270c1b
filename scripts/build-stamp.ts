// Runs after `npm run build` (postbuild): records the sources this build was made from, so that
// `npm run demo` reuses the build until they change (lib/server/production-build.ts).
import { writeBuildStamp } from "@/lib/server/production-build";

writeBuildStamp();
