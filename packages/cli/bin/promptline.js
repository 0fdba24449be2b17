#!/usr/bin/env node
// Committed entry point so npm can link the command before the first build; the code is in dist/.
import "../dist/main.js";
