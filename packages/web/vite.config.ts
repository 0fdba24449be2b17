import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into dist/, which the promptline server serves at /. `npm run dev -w @promptline/web`
// is not needed to use the UI: `npm start` builds and serves it.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});
