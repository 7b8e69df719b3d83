#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/core/type_list.hpp>
#include <ctnet/model/plan.hpp>
#include <ctnet/model/walk.hpp>

namespace ctnet {

/// A feed-forward network as a type: `Sequential<Input<28, 28, 1>, Conv2D<64, 3>,
/// ReLU, Flatten, Dense<10>>`. Every shape, parameter count and buffer size is
/// known at compile time; a layer that cannot take the shape before it is a
/// compile error naming its position, type and input shape. Keras:
/// `keras.Sequential([...])`.
///
/// Activations are batch-major and channels-last (N, H, W, C); the batch size
/// is a run-time number. The model owns one activation buffer and one gradient
/// buffer per *slot*: element-wise layers overwrite their input in place and
/// Flatten/Reshape share it, so most layers need no buffer of their own. A
/// Dense or Conv2D followed by an element-wise activation applies bias and
/// activation in one pass (and their derivatives in one pass backward).
template <class InputSpec, LayerSpec... Ls>
class Sequential
    // The base is the diagnostic for the first bad layer (empty if none):
    // instantiating the model emits it once, whichever member is used first.
    : detail::diagnostic_t<typename detail::walk<0, typename InputSpec::shape, Ls...>::failure> {
  using walk_t = detail::walk<0, typename InputSpec::shape, Ls...>;
  // Layers the member folds run over: none when the list is bad, so that the
  // one diagnostic is not followed by errors from code that cannot work.
  static constexpr std::size_t live = std::is_same_v<typename walk_t::failure,
                                                     detail::no_failure_t>
                                          ? sizeof...(Ls)
                                          : 0;

 public:
  /// False when some layer rejects its input (the diagnostic was emitted).
  static constexpr bool valid = live == sizeof...(Ls);
  static constexpr std::size_t depth = sizeof...(Ls);
  using input_shape = typename InputSpec::shape;
  using output_shape = typename walk_t::output;
  using specs = type_list<Ls...>;
  using bound = typename walk_t::bound;
  template <std::size_t I>
  using spec_at = nth_type<I, Ls...>;
  template <std::size_t I>
  using layer_at = list_at_t<I, bound>;

 public:
  using plan_t = detail::Plan<depth>;
  static constexpr plan_t plan = detail::make_plan<valid, input_shape, bound, specs>();

  /// Trainable and non-trainable parameter counts (Keras counts BatchNorm's
  /// moving statistics as non-trainable).
  static constexpr std::size_t trainable_params = detail::sum_trainable<bound>::value;
  static constexpr std::size_t non_trainable_params = detail::sum_non_trainable<bound>::value;
  static constexpr std::size_t total_params = trainable_params + non_trainable_params;
  /// Multiply-adds x 2 of one sample's forward pass.
  static constexpr double flops = detail::sum_flops<bound>::value;

  /// A network initialised from seed 0 (glorot-uniform kernels, zero biases),
  /// so that `Net net;` is never silently all zeros; `make` chooses the seed.
  Sequential() { initialize(seed{0}); }

  /// A network with parameters initialised from a seed: kernels by `init`,
  /// biases zero (Keras's defaults with the default `init`).
  static Sequential make(seed s, Init init = Init::glorot_uniform) {
    Sequential net(uninitialised);
    net.initialize(s, init);
    return net;
  }

  /// (Re)initialise every parameter from a seed.
  void initialize(seed s, Init init = Init::glorot_uniform) {
    Rng rng(s);
    visit_params([&](const ParamRef& p) { init_param(p, rng, init); });
    rng_.reseed(s.value ^ 0x5DEECE66Dull);
  }

  /// Size the buffers for batches of up to `batch` samples. Called by forward
  /// when a larger batch arrives; call it up front to keep the first step free
  /// of allocation.
  void reserve(std::size_t batch) {
    if (batch <= capacity_) return;
    acts_.resize(plan.slots);
    grads_.resize(plan.slots);
    for (std::size_t s = 0; s < plan.slots; ++s) {
      acts_[s] = zeros(batch * plan.slot_size[s]);
      grads_[s] = zeros(batch * plan.slot_size[s]);
    }
    std::apply([&](auto&... l) { (l.reserve(batch), ...); }, layers_);
    capacity_ = batch;
  }
  std::size_t capacity() const { return capacity_; }

  /// Forward pass over n samples (x holds n * input_shape::size floats).
  /// `training` turns dropout on. Returns the n outputs, valid until the next call.
  std::span<const float> forward(std::span<const float> x, std::size_t n, bool training = false) {
    Pass pass{training, &rng_, first_sample_, batch_group_};
    return forward(x, n, pass);
  }
  /// Forward within another network's pass (a block inside a layer list):
  /// its training flag and dropout generator.
  std::span<const float> forward(std::span<const float> x, std::size_t n, Pass& pass) {
    if (x.size() < n * input_shape::size)
      fail("forward: input holds {} floats, {} samples need {}", x.size(), n, n * input_shape::size);
    reserve(n);
    std::copy_n(x.data(), n * input_shape::size, acts_[0].data());
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (forward_layer<I>(n, pass), ...);
    }(std::make_index_sequence<live>{});
    last_n_ = n;
    return output();
  }

  /// Inference (no dropout, BatchNorm's moving statistics) through a const
  /// network: the outputs of n samples x, valid until the next pass. The
  /// network's scratch buffers are reused, so one object serves one caller at
  /// a time.
  std::span<const float> infer(std::span<const float> x, std::size_t n) const {
    return const_cast<Sequential*>(this)->forward(x, n, false);
  }

  /// The last forward pass's outputs.
  std::span<const float> output() const {
    return {acts_[plan.out[depth - 1]].data(), last_n_ * output_shape::size};
  }

  /// Where the caller writes dL/d(output) before `backward`.
  std::span<float> output_grad() {
    return {grads_[plan.out[depth - 1]].data(), last_n_ * output_shape::size};
  }

  /// Backward pass for the last forward: reads `output_grad()`, adds (+=) to
  /// every parameter's gradient. Skip leaves out the last Skip layers (a
  /// Softmax fused into the loss); output_grad() then holds the gradient at
  /// their input, which for an in-place Softmax is the same buffer. Returns
  /// dL/d(input) when `input_grad` is set (a GAN's generator trains through its
  /// discriminator this way), else an empty span.
  template <std::size_t Skip = 0>
  std::span<const float> backward(bool input_grad = false) {
    static_assert(Skip < depth);
    // The gradient written at output_grad() must be the one the first
    // non-skipped layer reads: the skipped layers work in place (Softmax,
    // Sigmoid) or are views. A skipped activation in a buffer of its own (after
    // a Tanh, which keeps its output) would leave that layer a stale gradient.
    static_assert(!valid || Skip == 0 || plan.out[depth - 1 - Skip] == plan.out[depth - 1],
                  "backward<Skip>: the skipped layers must share the output buffer of the "
                  "layer before them (in-place activations or views)");
    const std::size_t n = last_n_;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (backward_layer<depth - Skip - 1 - I, Skip>(n, input_grad), ...);
    }(std::make_index_sequence<valid ? depth - Skip : 0>{});
    if (!input_grad) return {};
    return {grads_[0].data(), n * input_shape::size};
  }

  /// Calls f(ParamRef) for every parameter, in layer order.
  template <class F>
  void visit_params(F&& f) {
    std::apply([&](auto&... l) { (l.visit_params(f), ...); }, layers_);
  }
  /// Calls f(layer_index, ParamRef) for every parameter, in layer order.
  template <class F>
  void visit_params_indexed(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(layers_).visit_params([&](const ParamRef& p) { f(I, p); }), ...);
    }(std::make_index_sequence<live>{});
  }

  /// Zero every parameter gradient.
  void zero_grad() {
    visit_params([](const ParamRef& p) { std::fill(p.grad.begin(), p.grad.end(), 0.0f); });
  }

  /// Seconds spent in each layer's forward and backward since profiling was
  /// turned on (a fused activation's time counts to the layer before it).
  struct LayerSeconds {
    double forward = 0.0, backward = 0.0;
  };
  void set_profiling(bool on) {
    profile_ = on;
    layer_seconds_.fill({});
  }
  const std::array<LayerSeconds, depth>& layer_seconds() const { return layer_seconds_; }

  /// The generator for dropout masks (seeded by make/initialize).
  Rng& rng() { return rng_; }
  /// The index of the next passes' first sample in the global batch (data
  /// parallelism; 0 otherwise).
  void set_first_sample(std::size_t first) { first_sample_ = first; }
  /// Told of each layer's parameters as soon as backward has finished their
  /// gradients (none: nullptr).
  void set_gradient_ready(GradientReady* r) { gradient_ready_ = r; }
  /// The processes whose shares make up the batch, for statistics over all of
  /// it (synchronised BatchNorm; none: nullptr).
  void set_batch_group(BatchGroup* g) { batch_group_ = g; }

  template <std::size_t I>
  layer_at<I>& layer() {
    return std::get<I>(layers_);
  }

 private:
  struct uninitialised_t {};
  static constexpr uninitialised_t uninitialised{};
  explicit Sequential(uninitialised_t) {}

  /// Adds the seconds of its lifetime to *sink when enabled.
  struct Timer {
    using clock = std::chrono::steady_clock;
    bool on;
    double* sink;
    clock::time_point start;
    Timer(bool enabled, double* s) : on(enabled), sink(s), start(enabled ? clock::now() : clock::time_point{}) {}
    ~Timer() {
      if (on) *sink += std::chrono::duration<double>(clock::now() - start).count();
    }
  };

  template <std::size_t I>
  void forward_layer(std::size_t n, Pass& pass) {
    if constexpr (!plan.absorbed[I]) {
      const Timer timer(profile_, profile_ ? &layer_seconds_[I].forward : nullptr);
      const float* x = acts_[plan.in[I]].data();
      float* y = acts_[plan.out[I]].data();
      if constexpr (plan.fused[I])
        std::get<I>(layers_).template forward<spec_at<I + 1>>(x, y, n, pass);
      else
        std::get<I>(layers_).forward(x, y, n, pass);
    }
  }

  // A fused layer whose activation is among the Skip left out (a Sigmoid
  // fused into the loss) runs its backward without the activation's
  // derivative: output_grad() already holds the gradient at its input.
  template <std::size_t I, std::size_t Skip>
  void backward_layer(std::size_t n, bool input_grad) {
    if constexpr (!plan.absorbed[I] && layer_at<I>::storage != Storage::view) {
      const Timer timer(profile_, profile_ ? &layer_seconds_[I].backward : nullptr);
      const float* x = acts_[plan.in[I]].data();
      const float* y = acts_[plan.out[I]].data();
      float* dy = grads_[plan.out[I]].data();
      float* dx = (I > plan.first_real || input_grad) ? grads_[plan.in[I]].data() : nullptr;
      if constexpr (plan.fused[I] && I + 1 < depth - Skip)
        std::get<I>(layers_).template backward<spec_at<I + 1>>(x, y, dy, dx, n);
      else
        std::get<I>(layers_).backward(x, y, dy, dx, n);
      if (gradient_ready_)
        std::get<I>(layers_).visit_params([&](const ParamRef& p) {
          if (p.trainable) gradient_ready_->ready(p);
        });
    }
  }

  // Mutable: a pass writes the buffers, the layers' scratch and the counters
  // but no parameter, so inference works on a const network (`infer`).
  mutable typename list_apply<std::tuple, bound>::type layers_;
  mutable std::vector<Buffer> acts_, grads_;
  mutable std::size_t capacity_ = 0, last_n_ = 0;
  bool profile_ = false;
  mutable std::array<LayerSeconds, depth> layer_seconds_{};
  mutable Rng rng_{0};
  std::size_t first_sample_ = 0;
  GradientReady* gradient_ready_ = nullptr;
  BatchGroup* batch_group_ = nullptr;
};

/// Total parameters, as Keras's `model.count_params()` (trainable and not).
template <class Net>
inline constexpr std::size_t param_count = Net::total_params;
/// Trainable parameters only.
template <class Net>
inline constexpr std::size_t trainable_param_count = Net::trainable_params;

}  // namespace ctnet
