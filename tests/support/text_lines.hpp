// The lines of a text (JSON Lines scenarios and outputs), as views into it, without the newlines.
#pragma once

#include <string_view>
#include <vector>

namespace perpgate::test {

inline std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> v;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    v.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return v;
}

}  // namespace perpgate::test
