import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into dist/, which the promptline server serves at /. `npm run dev -w @promptline/web`
// is not needed to use the UI: `npm start` builds and serves it.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    // The vendor chunk (React, the router, TanStack Query, Mantine) is one file on purpose, cached
    // across releases; it is about 570 kB, 175 kB as the server sends it, gzipped.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        // Each screen is its own chunk (see main.tsx). The libraries every screen needs go in one
        // vendor chunk; the code editor and the charts, which only the prompt screen uses, each in
        // a chunk of their own that the browser keeps across releases of the app's code.
        codeSplitting: {
          groups: [
            { name: "vendor", test: /node_modules[\\/]/, tags: ["$initial"], priority: 1 },
            { name: "codemirror", test: /node_modules[\\/](@codemirror|@lezer)[\\/]/ },
            { name: "charts", test: /node_modules[\\/]recharts[\\/]/ },
          ],
        },
      },
    },
  },
});
