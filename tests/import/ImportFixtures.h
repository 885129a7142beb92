#pragma once

#include <string>
#include <tuple>

// Small JSON inputs for the reader tests.
std::string fixtureV9Array();
std::string fixtureIpfixLines();
std::tuple<std::string, std::string, std::string> fixtureWaitLines();
