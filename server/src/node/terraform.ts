/**
 * The name the tests and benchmarks know for loading the Terraform grammar before they parse `.tf` text:
 * every front-end's assets, which is that grammar (assets.ts).
 */
export { ensureFrontEnds as ensureTerraform } from './assets';
