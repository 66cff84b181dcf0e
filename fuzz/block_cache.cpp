// The global operator new and delete of the libFuzzer executables: allocations of a megabyte or
// more (the engine's tables, 1.7 MB, made anew for every input) are kept on release and handed
// out again for the same size, so that each input does not map, fault in and unmap them again
// (with AddressSanitizer that was most of a run's time). Everything else goes to malloc and free,
// which AddressSanitizer still checks.
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t kBig = 1 << 20;
constexpr int kSlots = 8;

struct Block {
  void* p = nullptr;
  std::size_t size = 0;
  bool in_use = false;
};
Block g_blocks[kSlots];

void* allocate(std::size_t n) {
  if (n >= kBig) {
    for (Block& b : g_blocks)
      if (b.p != nullptr && !b.in_use && b.size == n) {
        b.in_use = true;
        return b.p;
      }
    void* p = std::malloc(n);
    if (p == nullptr) return nullptr;
    for (Block& b : g_blocks)
      if (b.p == nullptr) {
        b = Block{p, n, true};
        break;
      }
    return p;
  }
  return std::malloc(n == 0 ? 1 : n);
}

void release(void* p) {
  if (p == nullptr) return;
  for (Block& b : g_blocks)
    if (b.p == p) {
      b.in_use = false;
      return;
    }
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) {
  if (void* p = allocate(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
