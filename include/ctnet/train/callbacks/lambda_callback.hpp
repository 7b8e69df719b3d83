#pragma once
#include <functional>

#include <ctnet/train/fit.hpp>

namespace ctnet {

/// Keras's LambdaCallback: the caller's functions at the start of training
/// (after a resume's checks), after every epoch and after every batch (any may
/// be empty). `on_epoch` may set `state.stop`.
struct LambdaCallback {
  std::function<void(FitState&, const EpochLog&)> on_epoch{};
  std::function<void(FitState&, const Metrics&)> on_batch{};
  std::function<void(FitState&)> on_begin{};

  void on_train_begin(FitState& s) {
    if (on_begin) on_begin(s);
  }
  void on_epoch_end(FitState& s, const EpochLog& log) {
    if (on_epoch) on_epoch(s, log);
  }
  void on_batch_end(FitState& s, const Metrics& m) {
    if (on_batch) on_batch(s, m);
  }
};

}  // namespace ctnet
