// Writes the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/): small
// valid inputs of each format, and a few broken ones. Run by hand after a
// format changes: make_seeds <tests/fuzz/corpus>.
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnet/data/idx.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/optimizer.hpp>

#include "checkpoint_model.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

void put(const std::filesystem::path& file, const Bytes& b) {
  std::filesystem::create_directories(file.parent_path());
  std::FILE* f = std::fopen(file.c_str(), "wb");
  std::fwrite(b.data(), 1, b.size(), f);
  std::fclose(f);
}

Bytes idx(std::vector<std::uint32_t> dims) {
  Bytes b{0, 0, 8, static_cast<std::uint8_t>(dims.size())};
  std::size_t n = 1;
  for (auto d : dims) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(d >> s));
    n *= d;
  }
  for (std::size_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i * 37 + 11));
  return b;
}

Bytes gzip(const Bytes& in) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  Bytes out(deflateBound(&zs, in.size()) + 32);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Bytes read(const std::filesystem::path& p) {
  std::FILE* f = std::fopen(p.c_str(), "rb");
  Bytes b;
  for (int c; (c = std::fgetc(f)) != EOF;) b.push_back(static_cast<std::uint8_t>(c));
  std::fclose(f);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds <corpus directory>\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const Bytes images = idx({3, 5, 4}), labels = idx({7}), cube = idx({2, 2, 2, 3});
  Bytes cut = images;
  cut.resize(cut.size() - 9);
  for (const auto& [name, b] : {std::pair{"images", images}, {"labels", labels}, {"rank4", cube}, {"cut", cut}}) {
    put(dir / "idx" / name, b);
    const Bytes z = gzip(b);
    put(dir / "gzip" / name, Bytes(z.begin() + 2, z.end()));  // the target adds 1f 8b
  }
  Bytes two = gzip(Bytes(images.begin(), images.begin() + 10));
  const Bytes rest = gzip(Bytes(images.begin() + 10, images.end()));
  two.insert(two.end(), rest.begin(), rest.end());
  put(dir / "gzip" / "two-members", Bytes(two.begin() + 2, two.end()));

  Bytes cifar;
  for (int r = 0; r < 2; ++r) {
    cifar.push_back(static_cast<std::uint8_t>(r * 7));
    for (int i = 0; i < 3072; ++i) cifar.push_back(static_cast<std::uint8_t>(i * 13 + r));
  }
  put(dir / "cifar" / "two-records", cifar);
  cifar[3073] = 12;  // a label past 9
  put(dir / "cifar" / "bad-label", cifar);

  using Net = ctnet::fuzz::CheckpointNet;
  auto net = Net::make(ctnet::seed{1});
  ctnet::Adam adam;
  adam.prepare(net);
  ctnet::CheckpointWriter w;
  w.add_model("model", net);
  w.add_optimizer("optimizer", adam, net);
  w.set("epoch", "3");
  w.set("best", "0.25");
  const auto tmp = std::filesystem::temp_directory_path() / "ctnet-seed.safetensors";
  w.write(tmp.string());
  const Bytes ckpt = read(tmp);
  std::filesystem::remove(tmp);
  put(dir / "checkpoint" / "model-and-adam", ckpt);
  put(dir / "safetensors" / "model-and-adam", ckpt);
  put(dir / "safetensors" / "empty", {2, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
  return 0;
}
