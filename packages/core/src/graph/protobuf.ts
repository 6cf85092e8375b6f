/**
 * The parts of protobuf-es the model code uses, loaded lazily through one import of this module
 * rather than one per subpath: Parcel 2 breaks a module Worker whose lazy bundles share modules
 * (protobuf's entry points share its wire code), see docs/guides/bundlers.md#parcel-2. Named, not
 * namespaces, so that bundlers drop the rest of the package.
 */
export { create, createFileRegistry, fromBinary, toBinary } from '@bufbuild/protobuf';
export { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
