#include "ScreenshotTour.h"

#include "models/FindingsModel.h"
#include "plots/TimelinePlot.h"
#include "widgets/FlowsView.h"
#include "widgets/MainWindow.h"
#include "widgets/OverviewPage.h"

#include <QApplication>
#include <QDialog>
#include <QDir>
#include <QPalette>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

namespace {

constexpr int kPollMs = 100;
constexpr int kStepTimeoutMs = 180'000;

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe4, 0xe6, 0xeb);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2d));
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9e, 0xa6));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x7a, 0xb4, 0xff));
    p.setColor(QPalette::Mid, QColor(0x50, 0x53, 0x58));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4d));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

} // namespace

ScreenshotTour::ScreenshotTour(MainWindow* window, QString outputDir, QStringList inputs, QObject* parent)
    : QObject(parent)
    , m_window(window)
    , m_dir(std::move(outputDir))
    , m_inputs(std::move(inputs))
{
}

void ScreenshotTour::add(const QString& name, std::function<bool()> ready, int settleMs, std::function<void()> action)
{
    m_steps.push_back({name, std::move(ready), settleMs, std::move(action)});
}

int ScreenshotTour::findingIndex(const char* type, const char* source) const
{
    const auto& findings = m_window->findingsModel()->findings();
    for (size_t i = 0; i < findings.size(); ++i)
        if (findings[i].type == type && findings[i].src && findings[i].src->toString() == source)
            return int(i);
    for (size_t i = 0; i < findings.size(); ++i) // any of that type, the best first in the vector
        if (findings[i].type == type)
            return int(i);
    return -1;
}

void ScreenshotTour::save(QWidget* widget, const QString& file)
{
    const QString path = QDir(m_dir).filePath(file);
    if (widget->grab().save(path)) {
        std::printf("screenshot: %s\n", qPrintable(path));
    } else {
        std::fprintf(stderr, "screenshot: cannot write %s\n", qPrintable(path));
        ++m_failures;
    }
    std::fflush(stdout);
}

void ScreenshotTour::start()
{
    QDir().mkpath(m_dir);
    auto* w = m_window;
    auto idle = [w] { return !w->isBusy() && !w->overviewPage()->isLoading(); };
    auto always = [] { return true; };
    auto analysed = std::make_shared<bool>(false);
    connect(w, &MainWindow::analysisFinished, this, [analysed] { *analysed = true; });

    add(QStringLiteral("open"), always, 0, [this, w] { w->openCaptures(m_inputs); });
    add(QStringLiteral("overview"), [analysed, idle] { return *analysed && idle(); }, 1500, [this, w] {
        w->tabs()->setCurrentIndex(MainWindow::OverviewTab);
        save(w, QStringLiteral("overview.png"));
    });
    add(QStringLiteral("selection"), always, 0, [w, this] {
        // The labelled scan's hour: the views narrow to it.
        const int scan = findingIndex("port_scan", "10.0.8.14");
        if (scan >= 0) {
            const Finding& f = w->findingsModel()->findings()[size_t(scan)];
            w->setTimeRange(f.startMs - 20 * 60'000, f.endMs + 20 * 60'000);
        }
    });
    add(QStringLiteral("overview-selection"), idle, 1500, [this, w] { save(w, QStringLiteral("overview-selection.png")); });
    add(QStringLiteral("clear"), always, 0, [w] { w->setTimeRange(0, 0); });
    add(QStringLiteral("beacon"), idle, 300, [this, w] {
        w->tabs()->setCurrentIndex(MainWindow::FindingsTab);
        w->selectFinding(findingIndex("beacon", "10.0.5.23"));
    });
    add(QStringLiteral("findings-beacon"), idle, 2000, [this, w] {
        save(w, QStringLiteral("findings-beacon.png"));
        save(w, QStringLiteral("main-window.png"));
    });
    add(QStringLiteral("scan"), always, 0, [this, w] { w->selectFinding(findingIndex("port_scan", "10.0.8.14")); });
    add(QStringLiteral("findings-scan"), idle, 2000, [this, w] { save(w, QStringLiteral("findings-scan.png")); });
    add(QStringLiteral("flows"), always, 0, [w] {
        w->tabs()->setCurrentIndex(MainWindow::FlowsTab);
        w->flowsView()->setFilterText(QStringLiteral("src host 10.0.5.23 and dst port 443"));
    });
    add(QStringLiteral("flows-filter"), idle, 2500, [this, w] { save(w, QStringLiteral("flows-filter.png")); });
    add(QStringLiteral("host"), always, 0, [w] { w->openHost(QStringLiteral("10.0.5.23")); });
    add(QStringLiteral("host-drilldown"), idle, 3000, [this, w] { save(w, QStringLiteral("host-drilldown.png")); });
    add(QStringLiteral("settings"), always, 0, [this, w] {
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(w, &MainWindow::preferencesOpened, this, [this, connection](QDialog* dialog) {
            disconnect(*connection);
            // Dialogs are grabbed once laid out; then closed unchanged.
            if (auto* tabs = dialog->findChild<QTabWidget*>())
                tabs->setCurrentIndex(1); // the allowlist: more to see than the networks
            QTimer::singleShot(800, dialog, [this, dialog] {
                save(dialog, QStringLiteral("settings.png"));
                if (auto* tabs = dialog->findChild<QTabWidget*>()) {
                    tabs->setCurrentIndex(3); // thresholds
                    QTimer::singleShot(300, dialog, [this, dialog] {
                        save(dialog, QStringLiteral("settings-thresholds.png"));
                        dialog->reject();
                    });
                } else {
                    dialog->reject();
                }
            });
        });
        w->showPreferences();
    });
    add(QStringLiteral("dark"), always, 2000, [w] {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        w->tabs()->setCurrentIndex(MainWindow::OverviewTab);
    });
    add(QStringLiteral("overview-dark"), idle, 1000, [this, w] { save(w, QStringLiteral("overview-dark.png")); });
    add(QStringLiteral("findings-dark"), always, 0, [this, w] {
        w->tabs()->setCurrentIndex(MainWindow::FindingsTab);
        w->selectFinding(findingIndex("beacon", "10.0.5.23"));
    });
    add(QStringLiteral("findings-dark-shot"), idle, 1500, [this, w] { save(w, QStringLiteral("findings-dark.png")); });
    next();
}

void ScreenshotTour::next()
{
    m_waitedMs = 0;
    if (m_steps.empty()) {
        emit finished(m_failures == 0 ? 0 : 1);
        return;
    }
    QTimer::singleShot(kPollMs, this, &ScreenshotTour::poll);
}

void ScreenshotTour::poll()
{
    Step& step = m_steps.front();
    if (!step.ready()) {
        m_waitedMs += kPollMs;
        if (m_waitedMs > kStepTimeoutMs) {
            std::fprintf(stderr, "screenshot: step %s timed out\n", qPrintable(step.name));
            ++m_failures;
            m_steps.pop_front();
            next();
            return;
        }
        QTimer::singleShot(kPollMs, this, &ScreenshotTour::poll);
        return;
    }
    QTimer::singleShot(step.settleMs, this, [this] {
        Step s = std::move(m_steps.front());
        m_steps.pop_front();
        s.action();
        next();
    });
}
