/**
 * protobuf-es, loaded lazily by the model code through one import of this module rather than one
 * per subpath: Parcel 2 breaks a module Worker whose lazy bundles share modules (protobuf's entry
 * points share its wire code), see docs/guides/bundlers.md#parcel-2.
 */
export * as pb from '@bufbuild/protobuf';
export * as wire from '@bufbuild/protobuf/wire';
export * as wkt from '@bufbuild/protobuf/wkt';
