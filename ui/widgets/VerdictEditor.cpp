#include "widgets/VerdictEditor.h"

VerdictEditor::VerdictEditor(QWidget* parent)
    : QWidget(parent)
{
    setVisible(false);
}

void VerdictEditor::setCasePath(const QString& casePath)
{
    m_casePath = casePath;
}

void VerdictEditor::setFinding(const Finding*)
{
}
