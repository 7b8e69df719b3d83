// dcgan_sweep's six configurations of one capacity F, CTNET_SWEEP_CAPACITY:
// examples/CMakeLists.txt compiles this file once per F (see train_config.hpp).
#include <cstddef>

#include <dcgan_sweep/train_config.hpp>
#include <ctnet/zoo/report3_dcgan.hpp>

#ifndef CTNET_SWEEP_CAPACITY
#error "compile with -DCTNET_SWEEP_CAPACITY=1, 2 or 3"
#endif

namespace ctnet::sweep {

template <std::size_t F, std::size_t D, bool V>
History train_config(const GanRunOptions& o) {
  using namespace zoo::report3;
  return train_gan<Generator<F, latent_dim, V>, Discriminator<F, D, 1, V>>(o);
}

constexpr std::size_t capacity = CTNET_SWEEP_CAPACITY;
template History train_config<capacity, 1, false>(const GanRunOptions&);
template History train_config<capacity, 2, false>(const GanRunOptions&);
template History train_config<capacity, 3, false>(const GanRunOptions&);
template History train_config<capacity, 1, true>(const GanRunOptions&);
template History train_config<capacity, 2, true>(const GanRunOptions&);
template History train_config<capacity, 3, true>(const GanRunOptions&);

}  // namespace ctnet::sweep
