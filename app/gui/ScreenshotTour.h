#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>

class MainWindow;
class QWidget;

// Drives the window through every view on a capture and saves a screenshot of
// each (QWidget::grab, so no window manager is needed): the hidden
// `flowsift --screenshots DIR FILE` option that tools/screenshots.sh runs
// under Xvfb. Uses only MainWindow's public API, so it keeps working as the
// views change.
class ScreenshotTour final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ScreenshotTour)
public:
    ScreenshotTour(MainWindow* window, QString outputDir, QStringList inputs, QObject* parent = nullptr);
    void start();

signals:
    void finished(int exitCode);

private:
    struct Step {
        QString name;
        std::function<bool()> ready; // polled until true (or the step times out)
        int settleMs = 0;            // then waited, for views that load off-thread
        std::function<void()> action;
    };
    void add(const QString& name, std::function<bool()> ready, int settleMs, std::function<void()> action);
    void next();
    void poll();
    void save(QWidget* widget, const QString& file);
    int findingIndex(const char* type, const char* source) const;

    MainWindow* m_window;
    QString m_dir;
    QStringList m_inputs;
    std::deque<Step> m_steps;
    int m_waitedMs = 0;
    int m_failures = 0;
};
