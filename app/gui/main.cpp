#include "ScreenshotTour.h"
#include "widgets/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <string_view>

namespace {

void describeCommandLine(QCommandLineParser& parser)
{
    parser.setApplicationDescription(QCoreApplication::translate("main", "Investigation workbench for NetFlow/IPFIX data"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("files"),
                                 QCoreApplication::translate("main", "Flow captures to import and analyse."),
                                 QStringLiteral("[files...]"));
}

} // namespace

int main(int argc, char* argv[])
{
    // --help and --version need no display (QApplication would refuse to start without one).
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") // the rest are file names
            break;
        if (a == "-h" || a == "--help" || a == "-v" || a == "--version") {
            QCoreApplication core(argc, argv);
            QCoreApplication::setApplicationName(QStringLiteral("Flowsift")); // as the window reports it
            QCoreApplication::setApplicationVersion(QStringLiteral(FLOWSIFT_VERSION));
            QCommandLineParser parser;
            describeCommandLine(parser);
            parser.process(core); // prints and exits
            return 0;
        }
    }
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
    describeCommandLine(parser);
    // tools/screenshots.sh: drive every view on the files and save screenshots into DIR.
    QCommandLineOption screenshots(QStringLiteral("screenshots"), QStringLiteral("Save screenshots into DIR."),
                                   QStringLiteral("DIR"));
    screenshots.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshots);
    parser.process(app);

    MainWindow window; // restores the size and layout the user left it in
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(screenshots)) {
        if (files.isEmpty()) {
            std::fprintf(stderr, "flowsift: --screenshots needs a capture to open\n");
            return 2;
        }
        window.resize(1440, 900); // the same size whatever layout was saved
        window.show();
        ScreenshotTour tour(&window, parser.value(screenshots), files);
        QObject::connect(&tour, &ScreenshotTour::finished, &app, [](int code) { QCoreApplication::exit(code); });
        QTimer::singleShot(0, &tour, &ScreenshotTour::start);
        return app.exec();
    }
    window.show();

    if (!files.isEmpty()) {
        // After the event loop starts, so the window paints before the import begins.
        QTimer::singleShot(0, &window, [&window, files] { window.openCaptures(files); });
    }
    return app.exec();
}
