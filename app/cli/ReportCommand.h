#pragma once

#include <string>

// `flowsift-cli report`: the PDF (and JSON) report of a case, without a display.
struct ReportRequest {
    std::string db;
    std::string pdf;
    std::string json;
    std::string analyst;
    bool quiet = false;
};

// Makes its own QApplication (offscreen unless a platform is set): the only
// command that needs QtGui and widgets (charts), so the others stay on QCoreApplication.
int reportCommand(int& argc, char** argv, const ReportRequest& request);
