#pragma once
// An exponential moving average of a network's weights, kept in a second
// network of the same type: after every update of the trained network,
// avg = decay * avg + (1 - decay) * w, for every parameter (moving statistics
// included). Sampling a GAN's generator from the average instead of its last
// weights smooths out the step-to-step oscillation of adversarial training
// (Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN
// Training"). The average is an ordinary network: checkpoint it with
// add_model/load_model.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>

namespace ctnet {

template <class Net>
class WeightAverage {
 public:
  /// `average` holds the average and must outlive this object (it is not
  /// copied); decay in [0, 1): 0 copies the weights, 0.999 averages over
  /// about the last 1,000 updates.
  WeightAverage(Net& average, float decay) : decay_(decay) {
    if (!(decay >= 0.0f && decay < 1.0f))
      fail("weight average: decay {:f} is not in [0, 1)", decay);
    average.visit_params([&](const ParamRef& p) { values_.push_back(p.value); });
  }

  float decay() const { return decay_; }

  /// Sets the average to `net`'s weights (the start of averaging).
  void reset(Net& net) { blend(net, 0.0f); }

  /// One averaging step after an update of `net`. Does not allocate.
  void update(Net& net) { blend(net, decay_); }

 private:
  void blend(Net& net, float d) {
    std::size_t i = 0;
    net.visit_params([&](const ParamRef& p) {
      const std::span<float> a = values_[i++];
      const float* w = p.value.data();
      for (std::size_t j = 0; j < a.size(); ++j) a[j] = d * a[j] + (1.0f - d) * w[j];
    });
  }

  float decay_;
  std::vector<std::span<float>> values_;  ///< the average network's parameters, in visiting order
};

}  // namespace ctnet
