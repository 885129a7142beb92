#include "widgets/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Flowsift"));
    QApplication::setOrganizationName(QStringLiteral("Flowsift"));
    QApplication::setApplicationVersion(QStringLiteral(FLOWSIFT_VERSION));
    QApplication::setApplicationDisplayName(QStringLiteral("Flowsift"));
    // The installed desktop entry and hicolor icon (installer/): window
    // managers match the window to the entry, the title bar shows the icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("invalid.flowsift.Flowsift"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("flowsift")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("main", "Investigation workbench for NetFlow/IPFIX data"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("main", "Flow captures to import and analyse."),
                                 QStringLiteral("[files...]"));
    parser.process(app);

    MainWindow window;
    window.resize(1280, 800);
    window.show();

    const QStringList files = parser.positionalArguments();
    if (!files.isEmpty()) {
        // After the event loop starts, so the window paints before the import begins.
        QTimer::singleShot(0, &window, [&window, files] { window.openCaptures(files); });
    }
    return app.exec();
}
