#pragma once
// ctnet's version: the one place it is written (CMakeLists.txt reads it for
// the package's version). Programs print it with --version; run directories'
// summary.txt and every checkpoint's metadata ("ctnet_version") carry it.
namespace ctnet {

inline constexpr const char* version = "0.2.0";

}  // namespace ctnet
