// tap's coverage map: every test file's coverage is of src/ alone (not of test/ nor of the
// dependencies), so each process records only that.
export default () => 'src/**/*.ts';
