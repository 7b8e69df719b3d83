#pragma once
// dcgan_sweep's configurations are compiled apart from its main, one
// translation unit per capacity F (capacity.cpp, compiled three times), each
// under the 30 s compile budget: all 18 in one took 54-108 s. main sees only
// this declaration; each unit defines it and instantiates its six (D, V)
// explicitly.
#include <cstddef>

#include <harness/gan_run.hpp>

namespace ctnet::sweep {

/// Trains report 3's DCGAN of capacity F, discriminator depth D, virtual batch
/// normalisation V, as `dcgan` would, into o's run directory.
template <std::size_t F, std::size_t D, bool V>
History train_config(const GanRunOptions& o);

}  // namespace ctnet::sweep
