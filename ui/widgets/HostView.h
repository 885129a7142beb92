#pragma once

#include "analysis/TrafficTimeline.h"
#include "model/Finding.h"
#include "store/FlowStore.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class FindingsModel;
class FlowsView;
class QComboBox;
class QCustomPlot;
class QLabel;
class QTableView;
class QTableWidget;

// One host's drill-down, opened as a tab: its timeline in and out, its peers
// ranked by bytes and connections (internal/external), the ports it used, its
// findings and its flows. Reads the case off the UI thread.
class HostView final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HostView)
public:
    // What the drill-down shows, read from the case in one go.
    struct Content {
        FlowStore::HostTotals totals;
        std::vector<FlowStore::PeerTraffic> peersByBytes;
        std::vector<FlowStore::PeerTraffic> peersByFlows;
        std::vector<FlowStore::PortUse> ports;
        std::vector<TrafficTimeline::Bucket> sent;     // bytes and packets the host sent, per bucket
        std::vector<TrafficTimeline::Bucket> received; // and received
        int64_t bucketMs = 0;
        bool internal = false;
        std::vector<IpAddress> internalPeers; // of the peers listed, those inside the case's networks
        std::string error;
    };
    static constexpr size_t kPeersListed = 100;
    static constexpr size_t kPortsListed = 50;

    HostView(const QString& casePath, const QString& address, QWidget* parent = nullptr);
    ~HostView() override;

    QString address() const { return m_address; }
    void setFindings(const std::vector<Finding>& findings);
    void setTimeRange(int64_t startMs, int64_t endMs);

    // Reads the drill-down of a host (any thread; builds the case's lookup indexes if missing).
    static Content load(const std::string& casePath, const IpAddress& host, int64_t startMs, int64_t endMs);

    bool isLoaded() const { return m_loaded; }
    const Content& content() const { return m_content; }
    QLabel* header() const { return m_header; }
    QCustomPlot* timeline() const { return m_plot; }
    QTableWidget* peersTable() const { return m_peers; }
    QComboBox* peerOrder() const { return m_peerOrder; }
    QTableWidget* portsTable() const { return m_ports; }
    QTableView* findingsTable() const { return m_findingsTable; }
    FindingsModel* findingsModel() const { return m_findingsModel; }
    FlowsView* flowsView() const { return m_flows; }

signals:
    void hostActivated(const QString& address);
    void findingActivated(const QString& findingId);
    // The drill-down's content is in place (after each load).
    void loaded();

private:
    void reload();
    void apply(Content content);
    void fillPeers();
    void fillPorts();
    void drawTimeline();
    void updateHeader();

    QString m_casePath;
    QString m_address;
    IpAddress m_host;
    int64_t m_startMs = 0;
    int64_t m_endMs = 0;
    quint64 m_generation = 0;
    bool m_loaded = false;
    Content m_content;
    std::vector<Finding> m_hostFindings;
    QLabel* m_header = nullptr;
    QCustomPlot* m_plot = nullptr;
    QComboBox* m_peerOrder = nullptr;
    QTableWidget* m_peers = nullptr;
    QTableWidget* m_ports = nullptr;
    QTableView* m_findingsTable = nullptr;
    FindingsModel* m_findingsModel = nullptr;
    FlowsView* m_flows = nullptr;
};
