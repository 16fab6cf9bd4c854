import { Testing } from 'cdktf';
// Brings the matcher types (toHaveResourceWithProperties, ...) into every test file.
import 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();
